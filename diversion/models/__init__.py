"""SQLAlchemy 2 typed models. Import every module here so Alembic sees the whole schema."""
from diversion.models.audit import AuditEvent
from diversion.models.base import Base
from diversion.models.data_protection import Erasure, ErasureInProgress, RetentionDecision, SubjectAccessRequest
from diversion.models.divert import DivertEvent, DivertReferral
from diversion.models.drafts import ReferralDraft
from diversion.models.dtoa import DrugTest, DrugTestEvent
from diversion.models.casework import Appointment, NavigatorChange
from diversion.models.checkpoint import CheckpointReferral, Condition, Contract, ContractAlert, Note, ProgressEntry
from diversion.models.people import Person, PersonContact, PersonMerge
from diversion.models.reference import CustodySuite, OffenceCategory, PolicySetting, ReferenceCounter
from diversion.models.idempotency import IdempotentResponse
from diversion.models.exports import ExportChunk, ExportJob
from diversion.models.breach_packs import BreachPack
from diversion.models.needs import NeedScore, NeedsAssessment
from diversion.models.officer_outcomes import OutcomesSeen, ReferralOutcome
from diversion.models.reoffending import Reoffence, ReoffenceImport
from diversion.models.people_counts import PeopleEventCount, PeoplePairCount
from diversion.models.report_counts import ReportCount
from diversion.models.treatment import OnwardReferral, TreatmentService
from diversion.models.users import ApiToken, RecoveryCode, User, UserSession

__all__ = ["ApiToken", "Appointment", "AuditEvent", "Base", "CheckpointReferral", "Condition", "Contract", "ContractAlert",
           "CustodySuite", "DivertEvent", "DivertReferral", "DrugTest", "DrugTestEvent", "Erasure", "ErasureInProgress", "ExportChunk", "ExportJob", "NavigatorChange", "Note", "OffenceCategory", "Person", "PersonContact", "PersonMerge",
           "IdempotentResponse", "PolicySetting", "ProgressEntry", "RecoveryCode", "ReferenceCounter", "ReferralDraft",
           "RetentionDecision", "SubjectAccessRequest", "Reoffence", "ReoffenceImport", "ReportCount",
           "BreachPack", "NeedScore", "OnwardReferral", "TreatmentService", "NeedsAssessment", "OutcomesSeen", "ReferralOutcome",
           "PeopleEventCount", "PeoplePairCount",
           "User", "UserSession"]
