from django.apps import AppConfig


class QuizConfig(AppConfig):
    name = "quiz"
    verbose_name = "Question bank"

    def ready(self):
        from quiz.selectors import topic_question_links
        from study.extensions import register_topic_links

        register_topic_links(topic_question_links)
