from django.apps import AppConfig


class QuizConfig(AppConfig):
    name = "quiz"
    verbose_name = "Question bank"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from quiz.selectors import topic_question_links
        from quiz.services.profile import profile_create_for_new_user
        from study.extensions import register_topic_links

        register_topic_links(topic_question_links)
        post_save.connect(
            profile_create_for_new_user,
            sender=get_user_model(),
            dispatch_uid="quiz.profile_for_new_user",
        )
