"""The plan's own models stamp their plan when saved (``workplan.stamps``; connected
in ``apps.py``). Bulk writes send no signal: the services write an existing plan's
data row by row (the plan import makes a new plan, whose cache keys are new)."""

from .models import Activity, CommitmentCell, EvidenceRequirement, MonitoredOutput, Quarter
from .stamps import stamp_on_save

stamp_on_save(Quarter, "pk", "plan_id")
stamp_on_save(CommitmentCell, "quarters", "quarter_id")
stamp_on_save(MonitoredOutput, "quarters__cells", "cell_id")
stamp_on_save(EvidenceRequirement, "quarters__cells", "cell_id")
stamp_on_save(Activity, "pokjas", "pokja_id")
