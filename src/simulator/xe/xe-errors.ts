/**
 * The three ways xe fails (see shared/reference/xe-cli.md §1.7): an API error (datamodel doc line
 * plus `name: value` lines, or `Error code:`/`Error parameters:` for codes without a doc entry), a
 * CLI-side failure (`Error: <message>`), and usage errors (unknown command, missing parameter).
 */
export class XeApiError extends Error {
  constructor(
    readonly code: string,
    readonly params: string[] = [],
  ) {
    super(`${code}: [ ${params.join('; ')} ]`);
  }
}

export class XeCliError extends Error {}

export class XeUsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** The client failed before or while talking to xapi; the text is printed as-is. */
export class XeClientError extends Error {}

export function unknownCommand(name: string): XeUsageError {
  return new XeUsageError([`Unknown command: ${name}`, "For usage run: 'xe help'"]);
}

export function requiredParam(name: string): XeUsageError {
  return new XeUsageError([`Required parameter not found: ${name}`, "For usage run: 'xe help'"]);
}

export function syntaxError(): XeUsageError {
  return new XeUsageError(['Syntax error: ', "For usage run: 'xe help'"]);
}

interface DocEntry {
  doc: string;
  params: string[];
  /** the 8.2 wording where it differs */
  doc82?: string;
}

/** Datamodel entries (doc line, parameter names) for the codes the simulator raises. */
export const DATAMODEL_ERRORS: Record<string, DocEntry> = {
  INTERNAL_ERROR: {
    doc: 'The server failed to handle your request, due to an internal error. The given message may give details useful for debugging the problem.',
    params: ['message'],
  },
  UUID_INVALID: { doc: 'The uuid you supplied was invalid.', params: ['type', 'uuid'] },
  HANDLE_INVALID: {
    doc: 'You gave an invalid object reference. The object may have recently been deleted. The class parameter gives the type of reference given, and the handle parameter echoes the bad value given.',
    params: ['class', 'handle'],
  },
  VM_BAD_POWER_STATE: {
    doc: "You attempted an operation on a VM that was not in an appropriate power state at the time; for example, you attempted to start a VM that was already running. The parameters returned are the VM's handle, and the expected and actual VM state at the time of the call.",
    params: ['vm', 'expected', 'actual'],
  },
  OTHER_OPERATION_IN_PROGRESS: {
    doc: 'Another operation involving the object is currently in progress',
    params: ['class', 'object'],
  },
  VM_HOST_INCOMPATIBLE_VERSION: {
    doc: 'This VM operation cannot be performed on an older-versioned host during an upgrade.',
    params: ['host', 'vm'],
  },
  VM_HOST_INCOMPATIBLE_VERSION_MIGRATE: {
    doc: 'Cannot migrate a VM to a destination host which is older than the source host.',
    params: ['host', 'vm'],
  },
  HOST_NOT_ENOUGH_FREE_MEMORY: {
    doc: 'Not enough server memory is available to perform this operation.',
    params: ['needed', 'available'],
  },
  VM_LACKS_FEATURE: { doc: 'You attempted an operation on a VM which lacks the feature.', params: ['vm'] },
  VM_REQUIRES_SR: {
    doc: "You attempted to run a VM on a host which doesn't have access to an SR needed by the VM. The VM has at least one VBD attached to a VDI in the SR.",
    params: ['vm', 'sr'],
  },
  VM_REQUIRES_NETWORK: {
    doc: "You attempted to run a VM on a host which doesn't have a PIF on a Network needed by the VM. The VM has at least one VIF attached to the Network.",
    params: ['vm', 'network'],
  },
  NO_HOSTS_AVAILABLE: { doc: 'There were no servers available to complete the specified operation.', params: [] },
  HOST_DISABLED: { doc: 'The specified server is disabled.', params: ['host'] },
  HOST_NOT_LIVE: { doc: 'This operation cannot be completed as the server is not live.', params: [] },
  HOST_OFFLINE: {
    doc: 'You attempted an operation which involves a host which could not be contacted.',
    params: ['host'],
  },
  HOST_STILL_BOOTING: { doc: 'The host toolstack is still initialising. Please wait.', params: [] },
  NOT_SUPPORTED_DURING_UPGRADE: { doc: 'This operation is not supported during an upgrade.', params: [] },
  OPERATION_NOT_ALLOWED: { doc: 'You attempted an operation that was not allowed.', params: ['reason'] },
  VM_NO_SUSPEND_SR: { doc: 'This VM does not have a suspend SR specified.', params: ['vm'] },
  VM_IS_TEMPLATE: { doc: 'The operation attempted is not valid for a template VM', params: ['vm'] },
  VM_MIGRATE_FAILED: {
    doc: 'An error occurred during the migration process.',
    params: ['vm', 'source', 'destination', 'msg'],
  },
  VDI_IN_USE: {
    doc: 'This operation cannot be performed because this VDI is in use by some other operation',
    params: ['vdi', 'operation'],
  },
  HOST_NOT_DISABLED: { doc: 'This operation cannot be performed because the host is not disabled.', params: [] },
  HOST_IN_USE: {
    doc: 'This operation cannot be completed as the host is in use by (at least) the object of type and ref echoed below.',
    params: ['host', 'type', 'ref'],
  },
  VBD_NOT_EMPTY: { doc: 'Operation could not be performed because the drive is not empty', params: ['vbd'] },
  VBD_IS_EMPTY: { doc: 'Operation could not be performed because the drive is empty', params: ['vbd'] },
  SR_OPERATION_NOT_SUPPORTED: {
    doc: "The SR backend does not support the operation (check the SR's allowed operations)",
    params: ['sr'],
  },
  HA_IS_ENABLED: { doc: 'The operation could not be performed because HA is enabled on the Pool', params: [] },
  IMPORT_ERROR: { doc: 'The VM could not be imported.', params: ['msg'] },
  IMPORT_INCOMPATIBLE_VERSION: {
    doc: 'The import failed because this export has been created by a different (incompatible) product version',
    params: [],
  },
  IMPORT_ERROR_PREMATURE_EOF: {
    doc: 'The VM could not be imported; the end of the file was reached prematurely.',
    params: [],
  },
  SESSION_AUTHENTICATION_FAILED: {
    doc: 'The credentials given by the user are incorrect, so access has been denied, and you have not been issued a session handle.',
    params: [],
  },
};

/** Renders an API error the way `xe` prints it on stderr. */
export function renderApiError(err: XeApiError, newWording: boolean): string {
  const entry = DATAMODEL_ERRORS[err.code];
  if (!entry) return `Error code: ${err.code}\nError parameters: ${err.params.join(', ')}\n`;
  const lines = [newWording || !entry.doc82 ? entry.doc : entry.doc82];
  const count = Math.max(entry.params.length, err.params.length);
  for (let i = 0; i < count; i++) {
    const name = entry.params[i];
    const value = err.params[i];
    if (name === undefined) lines.push(`<extra>: ${value ?? ''}`);
    else lines.push(`${name}: ${value ?? '<unknown>'}`);
  }
  return `${lines.join('\n')}\n`;
}
