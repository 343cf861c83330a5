from django.contrib import admin

admin.site.site_header = "Exam Prep editing"
admin.site.site_title = "Exam Prep editing"
admin.site.index_title = "Question bank and study notes"
