"""Checkpoint's pages: `intake` (a custody officer's referral, approvals) and `casework` (the navigator's queue,
contracts and caseload). The rules they follow are in `diversion/domain/`, the use cases in `diversion/services/`."""
