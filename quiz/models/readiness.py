from django.db import models


class PopulationFit(models.Model):
    """What every learner's first-sight answers say about topics and questions
    (quiz.ability.Population), fitted by quiz.services.population_refit and read by the
    readiness selectors; the newest row is the one used."""

    fitted_at = models.DateTimeField(db_index=True)
    learners = models.PositiveIntegerField()
    answers = models.PositiveIntegerField()
    # ability.Population's numbers and the re-ask counts, keyed by topic and question ids.
    parameters = models.JSONField()

    class Meta:
        ordering = ["-fitted_at"]
        get_latest_by = "fitted_at"

    def __str__(self):
        return f"Fit of {self.answers} first-sight answers ({self.fitted_at:%Y-%m-%d %H:%M})"
