import { HttpStatus } from '@nestjs/common';
import { AuthErrorCode } from 'src/auth/auth.errors';
import { CampaignErrorCode } from 'src/campaign/campaign.errors';
import type { DomainError } from 'src/common/errors/domain-error';
import { CommunityErrorCode } from 'src/community/community.errors';
import { ConfigErrorCode } from 'src/config/config.errors';
import { DatabaseErrorCode } from 'src/database/database.errors';
import { ExecutionErrorCode } from 'src/execution/execution.errors';
import { LabErrorCode } from 'src/lab/lab.errors';
import { ProvisionerErrorCode } from 'src/lab/provisioner/provisioner.errors';
import { MatrixErrorCode } from 'src/matrix/matrix.errors';
import { RemoteErrorCode } from 'src/remote/remote.errors';
import { XeCliErrorCode, XeError } from 'src/remote/xe/xe.errors';
import { ReportsErrorCode } from 'src/reports/reports.errors';
import { ResultsErrorCode } from 'src/results/results.errors';
import { RequestErrorCode } from 'src/common/input/request.errors';
import { ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { SimulatorErrorCode } from 'src/simulator/simulator.errors';
import { WatchErrorCode } from 'src/watch/watch.errors';

/**
 * The one place where domain error codes become HTTP statuses. Each family is a complete record
 * over its code enum, so a code added to an enum and left out here fails the type check; the
 * spec beside this file also finds every `*ErrorCode` enum under src/ and checks it is listed.
 *
 * The rule of thumb: what the caller sent is 4xx (a campaign posted with a bad expression is the
 * caller's mistake: 400), what a host did is 502/504, what the server cannot do now is 503, and
 * what only the server's own state can cause is 500.
 */
export type StatusOf<C extends string> = { readonly [K in C]: HttpStatus };

const B = HttpStatus.BAD_REQUEST;
const NF = HttpStatus.NOT_FOUND;
const CONFLICT = HttpStatus.CONFLICT;
const INTERNAL = HttpStatus.INTERNAL_SERVER_ERROR;
const BAD_GATEWAY = HttpStatus.BAD_GATEWAY;
const UNAVAILABLE = HttpStatus.SERVICE_UNAVAILABLE;

const auth: StatusOf<AuthErrorCode> = {
  [AuthErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [AuthErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [AuthErrorCode.TokenNotFound]: NF,
  [AuthErrorCode.TokenState]: CONFLICT,
  [AuthErrorCode.TokenInvalid]: B,
  [AuthErrorCode.RegistrationRateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [AuthErrorCode.CsrfForbidden]: HttpStatus.FORBIDDEN,
  [AuthErrorCode.SignInInvalid]: B,
  [AuthErrorCode.NameTaken]: CONFLICT,
};

const campaign: StatusOf<CampaignErrorCode> = {
  [CampaignErrorCode.Invalid]: B,
  [CampaignErrorCode.Unreadable]: B,
  // A suite the posted campaign does not define: the request names it, so the request is wrong.
  [CampaignErrorCode.UnknownSuite]: B,
};

const community: StatusOf<CommunityErrorCode> = {
  [CommunityErrorCode.SubmissionInvalid]: B,
  [CommunityErrorCode.SubmissionMalformed]: B,
  [CommunityErrorCode.SubmissionTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [CommunityErrorCode.SubmissionRateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [CommunityErrorCode.SubmissionUnsupportedMedia]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [CommunityErrorCode.SubmissionConflict]: CONFLICT,
  [CommunityErrorCode.SubmissionNotFound]: NF,
  [CommunityErrorCode.SubmissionState]: CONFLICT,
  [CommunityErrorCode.HardwareInvalid]: B,
  [CommunityErrorCode.ReleaseUnknown]: NF,
  [CommunityErrorCode.CompareInvalid]: B,
};

const config: StatusOf<ConfigErrorCode> = {
  [ConfigErrorCode.Invalid]: INTERNAL,
};

const database: StatusOf<DatabaseErrorCode> = {
  [DatabaseErrorCode.Unreachable]: UNAVAILABLE,
  [DatabaseErrorCode.EmbeddedStartFailed]: UNAVAILABLE,
};

const execution: StatusOf<ExecutionErrorCode> = {
  [ExecutionErrorCode.RunNotFound]: NF,
  [ExecutionErrorCode.CaseNotFound]: NF,
  [ExecutionErrorCode.LabNotFound]: NF,
  [ExecutionErrorCode.RunFinished]: CONFLICT,
  [ExecutionErrorCode.CaseFinished]: CONFLICT,
  [ExecutionErrorCode.CaseTimeout]: HttpStatus.GATEWAY_TIMEOUT,
  [ExecutionErrorCode.LeaseLost]: CONFLICT,
  [ExecutionErrorCode.WorkerLost]: INTERNAL,
  [ExecutionErrorCode.NothingToRun]: B,
  [ExecutionErrorCode.RequestInvalid]: B,
  [ExecutionErrorCode.NotManual]: B,
  [ExecutionErrorCode.ManualInvalid]: B,
  [ExecutionErrorCode.ScheduleInvalid]: B,
  [ExecutionErrorCode.ScheduleNotFound]: NF,
  // The lab's state, not the request, is what is wrong; the caller may insist (force).
  [ExecutionErrorCode.LabNotReady]: CONFLICT,
};

const lab: StatusOf<LabErrorCode> = {
  [LabErrorCode.InventoryUnreadable]: B,
  [LabErrorCode.InventoryInvalid]: B,
  [LabErrorCode.UnknownHost]: NF,
  [LabErrorCode.UnknownPool]: NF,
  [LabErrorCode.HardwareIncomplete]: B,
};

const provisioner: StatusOf<ProvisionerErrorCode> = {
  [ProvisionerErrorCode.LabFileUnreadable]: B,
  [ProvisionerErrorCode.LabFileInvalid]: B,
  [ProvisionerErrorCode.StepFailed]: BAD_GATEWAY,
  [ProvisionerErrorCode.StepTimedOut]: HttpStatus.GATEWAY_TIMEOUT,
  [ProvisionerErrorCode.NotSupported]: HttpStatus.UNPROCESSABLE_ENTITY,
  // The server's own record of a nested lab is damaged: nothing the caller can fix.
  [ProvisionerErrorCode.StateUnreadable]: INTERNAL,
  [ProvisionerErrorCode.Cancelled]: CONFLICT,
};

const matrix: StatusOf<MatrixErrorCode> = {
  [MatrixErrorCode.ExpressionSyntax]: B,
  [MatrixErrorCode.UnknownParameter]: B,
  [MatrixErrorCode.UnknownValue]: B,
  [MatrixErrorCode.ExcludeKey]: B,
  [MatrixErrorCode.InvalidSpec]: B,
  [MatrixErrorCode.SeedRowInvalid]: B,
  [MatrixErrorCode.TooLarge]: B,
};

const remote: StatusOf<RemoteErrorCode> = {
  [RemoteErrorCode.ConnectionRefused]: BAD_GATEWAY,
  [RemoteErrorCode.Unreachable]: BAD_GATEWAY,
  [RemoteErrorCode.AuthFailed]: BAD_GATEWAY,
  [RemoteErrorCode.HostKeyMismatch]: BAD_GATEWAY,
  [RemoteErrorCode.Timeout]: HttpStatus.GATEWAY_TIMEOUT,
  [RemoteErrorCode.Aborted]: UNAVAILABLE,
  [RemoteErrorCode.ConnectionLost]: BAD_GATEWAY,
  [RemoteErrorCode.ChannelFailed]: BAD_GATEWAY,
  [RemoteErrorCode.CommandFailed]: BAD_GATEWAY,
  [RemoteErrorCode.CredentialUnavailable]: INTERNAL,
  [RemoteErrorCode.XapiUnavailable]: UNAVAILABLE,
  [RemoteErrorCode.PoolClosed]: UNAVAILABLE,
};

/** xe's own failures; xapi's codes (VM_BAD_POWER_STATE, …) are open-ended and all answer 502 too. */
const xe: StatusOf<XeCliErrorCode> = {
  [XeCliErrorCode.Cli]: BAD_GATEWAY,
  [XeCliErrorCode.NoMatch]: BAD_GATEWAY,
  [XeCliErrorCode.KeyNotInMap]: BAD_GATEWAY,
  [XeCliErrorCode.UnknownCommand]: BAD_GATEWAY,
  [XeCliErrorCode.MissingParameter]: BAD_GATEWAY,
  [XeCliErrorCode.SyntaxError]: BAD_GATEWAY,
  [XeCliErrorCode.AuthenticationFailed]: BAD_GATEWAY,
  [XeCliErrorCode.NotInstalled]: BAD_GATEWAY,
  [XeCliErrorCode.Unrecognised]: BAD_GATEWAY,
  [XeCliErrorCode.UnexpectedOutput]: BAD_GATEWAY,
};

const reports: StatusOf<ReportsErrorCode> = {
  [ReportsErrorCode.RunNotFound]: NF,
  [ReportsErrorCode.CaseNotFound]: NF,
  [ReportsErrorCode.ArtifactNotFound]: NF,
  [ReportsErrorCode.CompareInvalid]: B,
  [ReportsErrorCode.ReleaseInvalid]: B,
  [ReportsErrorCode.KnownIssueInvalid]: B,
  [ReportsErrorCode.ExportFormatInvalid]: B,
};

const request: StatusOf<RequestErrorCode> = {
  [RequestErrorCode.TooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [RequestErrorCode.UnsupportedEncoding]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [RequestErrorCode.Malformed]: B,
  [RequestErrorCode.HostileText]: B,
};

const results: StatusOf<ResultsErrorCode> = {
  [ResultsErrorCode.FioNoJson]: B,
  [ResultsErrorCode.FioBadJson]: B,
  [ResultsErrorCode.FioBadShape]: B,
  [ResultsErrorCode.JunitMalformed]: B,
  [ResultsErrorCode.JunitUnsafe]: B,
  [ResultsErrorCode.JunitBadShape]: B,
  [ResultsErrorCode.StatsBadInput]: B,
};

/** Checks a scenario makes about the product happen on workers; seen over HTTP they are the server's. */
const scenario: StatusOf<ScenarioErrorCode> = {
  [ScenarioErrorCode.CheckFailed]: INTERNAL,
  [ScenarioErrorCode.DataMismatch]: INTERNAL,
  [ScenarioErrorCode.Unexpected]: INTERNAL,
  [ScenarioErrorCode.UnknownScenario]: B,
  [ScenarioErrorCode.BadParams]: B,
};

const simulator: StatusOf<SimulatorErrorCode> = {
  [SimulatorErrorCode.InvalidLabConfig]: B,
  [SimulatorErrorCode.UnknownHost]: NF,
  [SimulatorErrorCode.UnknownFault]: NF,
  [SimulatorErrorCode.StartFailed]: UNAVAILABLE,
  [SimulatorErrorCode.BadPackage]: B,
  [SimulatorErrorCode.BadControlRequest]: B,
};

/** A repository the watcher cannot read is a remote party's failure. */
const watch: StatusOf<WatchErrorCode> = {
  [WatchErrorCode.RepositoryUnreadable]: BAD_GATEWAY,
  [WatchErrorCode.SettingInvalid]: B,
};

/** Every family, each with the enum it covers (the spec compares the enum's values with the record's keys). */
export const ERROR_FAMILIES: ReadonlyArray<{
  readonly codes: Readonly<Record<string, string>>;
  readonly statuses: Readonly<Record<string, HttpStatus>>;
}> = [
  { codes: AuthErrorCode, statuses: auth },
  { codes: CampaignErrorCode, statuses: campaign },
  { codes: CommunityErrorCode, statuses: community },
  { codes: ConfigErrorCode, statuses: config },
  { codes: DatabaseErrorCode, statuses: database },
  { codes: ExecutionErrorCode, statuses: execution },
  { codes: LabErrorCode, statuses: lab },
  { codes: ProvisionerErrorCode, statuses: provisioner },
  { codes: MatrixErrorCode, statuses: matrix },
  { codes: RemoteErrorCode, statuses: remote },
  { codes: XeCliErrorCode, statuses: xe },
  { codes: ReportsErrorCode, statuses: reports },
  { codes: RequestErrorCode, statuses: request },
  { codes: ResultsErrorCode, statuses: results },
  { codes: ScenarioErrorCode, statuses: scenario },
  { codes: SimulatorErrorCode, statuses: simulator },
  { codes: WatchErrorCode, statuses: watch },
];

const STATUS_BY_CODE: ReadonlyMap<string, HttpStatus> = new Map(
  ERROR_FAMILIES.flatMap((family) => Object.entries(family.statuses)),
);

export function httpStatusOf(error: DomainError): HttpStatus {
  const status = STATUS_BY_CODE.get(error.code);
  if (status !== undefined) return status;
  // xapi's own codes (VM_BAD_POWER_STATE, …) come from the host, not from an enum of ours.
  if (error instanceof XeError) return BAD_GATEWAY;
  return INTERNAL;
}
