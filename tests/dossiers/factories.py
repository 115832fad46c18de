"""factory_boy factories for the dossiers app (test set-up writes rows directly; the behaviour
under test goes through services)."""

from __future__ import annotations

import factory

from govindex.dossiers.models import OnlineLevel, Procedure, ProcedureLevel


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = "Hộ tịch"
    level = ProcedureLevel.COMMUNE
    time_limit_days = 3
    fee = 0
    online_level = OnlineLevel.PARTIAL
    paper_result_required = False
    payment_integrated = False
