from quiz.models.answers import AnswerRecord, AnswerSource, TopicProgress, UsualTimes
from quiz.models.bank import (
    AnswerKeyRevision,
    Choice,
    Disclaimer,
    Question,
    QuestionQuerySet,
    QuestionReference,
    QuestionSet,
    TopicQuestionCount,
)
from quiz.models.discussion import Comment, CommentQuerySet
from quiz.models.duplicates import DuplicateSuspect
from quiz.models.exams import (
    Attempt,
    AttemptQuestion,
    Blueprint,
    BlueprintDomain,
    BlueprintTopic,
)
from quiz.models.feedback import Report, Vote
from quiz.models.practice import Flag, PracticeItem, PracticeSession, Profile
from quiz.models.readiness import PopulationFit
from quiz.models.review import ReviewCard, ReviewDay, ReviewLog, TopicCardCount
from quiz.models.sessions import UserSession
from quiz.models.throttle import Throttle
from quiz.models.versions import QuestionVersion

__all__ = [
    "AnswerKeyRevision",
    "AnswerRecord",
    "AnswerSource",
    "Attempt",
    "AttemptQuestion",
    "Blueprint",
    "BlueprintDomain",
    "BlueprintTopic",
    "Choice",
    "Comment",
    "CommentQuerySet",
    "Disclaimer",
    "DuplicateSuspect",
    "Flag",
    "PopulationFit",
    "PracticeItem",
    "PracticeSession",
    "Profile",
    "Question",
    "QuestionQuerySet",
    "QuestionReference",
    "QuestionSet",
    "QuestionVersion",
    "Report",
    "ReviewCard",
    "ReviewDay",
    "ReviewLog",
    "Throttle",
    "TopicCardCount",
    "TopicProgress",
    "TopicQuestionCount",
    "UserSession",
    "UsualTimes",
    "Vote",
]
