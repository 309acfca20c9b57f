/**
 * The first stderr line xe prints for an API error that has a datamodel entry, mapped back to the
 * error code (xe prints the description, not the code), with its parameter names in order.
 * Texts are xapi's (see shared/reference/xe-cli.md §3); 8.2 wordings are listed where they differ.
 */
interface XeErrorEntry {
  code: string;
  params: readonly string[];
}

const ENTRIES: ReadonlyArray<readonly [string, readonly string[], ...string[]]> = [
  [
    'INTERNAL_ERROR',
    ['message'],
    'The server failed to handle your request, due to an internal error. The given message may give details useful for debugging the problem.',
  ],
  ['UUID_INVALID', ['type', 'uuid'], 'The uuid you supplied was invalid.'],
  [
    'HANDLE_INVALID',
    ['class', 'handle'],
    'You gave an invalid object reference. The object may have recently been deleted. The class parameter gives the type of reference given, and the handle parameter echoes the bad value given.',
  ],
  [
    'VM_BAD_POWER_STATE',
    ['vm', 'expected', 'actual'],
    "You attempted an operation on a VM that was not in an appropriate power state at the time; for example, you attempted to start a VM that was already running. The parameters returned are the VM's handle, and the expected and actual VM state at the time of the call.",
  ],
  [
    'OTHER_OPERATION_IN_PROGRESS',
    ['class', 'object', 'operation_type', 'operation_ref'],
    'Another operation involving the object is currently in progress',
  ],
  [
    'VM_HOST_INCOMPATIBLE_VERSION',
    ['host', 'vm'],
    'This VM operation cannot be performed on an older-versioned host during an upgrade.',
  ],
  [
    'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE',
    ['host', 'vm'],
    'Cannot migrate a VM to a destination host which is older than the source host.',
  ],
  [
    'HOST_NOT_ENOUGH_FREE_MEMORY',
    ['needed', 'available'],
    'Not enough server memory is available to perform this operation.',
  ],
  [
    'HOST_NOT_ENOUGH_PCPUS',
    ['vcpus', 'pcpus'],
    'The host does not have enough pCPUs to run the VM. It needs at least as many as the VM has vCPUs.',
  ],
  [
    'VM_INCOMPATIBLE_WITH_THIS_HOST',
    ['vm', 'host', 'reason'],
    'The VM is incompatible with the CPU features of this host.',
  ],
  [
    'VM_MISSING_PV_DRIVERS',
    ['vm'],
    'You attempted an operation on a VM which requires PV drivers to be installed but the drivers were not detected.',
  ],
  ['VM_LACKS_FEATURE', ['vm'], 'You attempted an operation on a VM which lacks the feature.'],
  [
    'VM_LACKS_FEATURE_SUSPEND',
    ['vm'],
    'You attempted an operation which needs the VM cooperative suspend feature on a VM which lacks it.',
  ],
  [
    'VM_LACKS_FEATURE_SHUTDOWN',
    ['vm'],
    'You attempted an operation which needs the cooperative shutdown feature on a VM which lacks it.',
  ],
  ['VM_NON_SUSPENDABLE', ['vm', 'reason'], 'You attempted an operation on a VM which is not suspendable.'],
  ['VM_IS_IMMOBILE', ['VM'], 'The VM is configured in a way that prevents it from being mobile.'],
  [
    'VM_HAS_PCI_ATTACHED',
    ['vm'],
    'This operation could not be performed, because the VM has one or more PCI devices passed through.',
  ],
  ['VM_HAS_VGPU', ['vm'], 'This operation could not be performed, because the VM has one or more virtual GPUs.'],
  [
    'VM_REQUIRES_SR',
    ['vm', 'sr'],
    "You attempted to run a VM on a host which doesn't have access to an SR needed by the VM. The VM has at least one VBD attached to a VDI in the SR.",
  ],
  [
    'VM_REQUIRES_NETWORK',
    ['vm', 'network'],
    "You attempted to run a VM on a host which doesn't have a PIF on a Network needed by the VM. The VM has at least one VIF attached to the Network.",
  ],
  ['VM_REQUIRES_VDI', ['vm', 'vdi'], 'VM cannot be started because it requires a VDI which cannot be attached'],
  [
    'HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED',
    ['SR'],
    'This operation cannot be performed because the referenced SR is not properly shared. The SR must both be marked as shared and a currently_attached PBD must exist for each host.',
  ],
  ['NO_HOSTS_AVAILABLE', [], 'There were no servers available to complete the specified operation.'],
  ['HOST_DISABLED', ['host'], 'The specified server is disabled.'],
  ['HOST_NOT_LIVE', [], 'This operation cannot be completed as the server is not live.'],
  ['HOST_OFFLINE', ['host'], 'You attempted an operation which involves a host which could not be contacted.'],
  ['HOST_STILL_BOOTING', [], 'The host toolstack is still initialising. Please wait.'],
  [
    'HOST_IS_SLAVE',
    ['Master IP address'],
    'You cannot make regular API calls directly on a supporter. Please pass API calls via the coordinator host.',
    'You cannot make regular API calls directly on a pool member. Please pass API calls via the master host.',
  ],
  ['NOT_SUPPORTED_DURING_UPGRADE', [], 'This operation is not supported during an upgrade.'],
  ['OPERATION_NOT_ALLOWED', ['reason'], 'You attempted an operation that was not allowed.'],
  [
    'OPERATION_BLOCKED',
    ['ref', 'code'],
    'You attempted an operation that was explicitly blocked (see the blocked_operations field of the given object).',
  ],
  ['VM_IS_TEMPLATE', ['vm'], 'The operation attempted is not valid for a template VM'],
  ['VM_NO_SUSPEND_SR', ['vm'], 'This VM does not have a suspend SR specified.'],
  ['VM_HAS_NO_SUSPEND_VDI', ['vm'], 'VM cannot be resumed because it has no suspend VDI'],
  ['VM_SHUTDOWN_TIMEOUT', ['vm', 'timeout'], 'VM failed to shutdown before the timeout expired'],
  ['VM_FAILED_SHUTDOWN_ACKNOWLEDGMENT', ['vm'], "VM didn't acknowledge the need to shutdown."],
  ['VM_MIGRATE_FAILED', ['vm', 'source', 'destination', 'msg'], 'An error occurred during the migration process.'],
  ['VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED', [], 'Failed to contact service on the destination host.'],
  [
    'VDI_IN_USE',
    ['vdi', 'operation'],
    'This operation cannot be performed because this VDI is in use by some other operation',
  ],
  [
    'VDI_MISSING',
    ['sr', 'vdi'],
    'This operation cannot be performed because the specified VDI could not be found on the storage substrate',
  ],
  ['SR_BACKEND_FAILURE', ['status', 'stdout', 'stderr'], 'There was an SR backend failure.'],
  [
    'SR_OPERATION_NOT_SUPPORTED',
    ['sr'],
    "The SR backend does not support the operation (check the SR's allowed operations)",
  ],
  ['CANNOT_EVACUATE_HOST', ['errors'], 'This server cannot be evacuated.'],
  ['HOST_EVACUATE_IN_PROGRESS', ['host'], 'This host is being evacuated.'],
  ['HOSTS_NOT_HOMOGENEOUS', ['reason'], 'The hosts in this pool are not homogeneous.'],
  ['JOINING_HOST_CANNOT_HAVE_RUNNING_VMS', [], 'The server joining the pool cannot have any running VMs.'],
  [
    'JOINING_HOST_CANNOT_HAVE_VMS_WITH_CURRENT_OPERATIONS',
    [],
    'The host joining the pool cannot have any VMs with active tasks.',
  ],
  ['JOINING_HOST_CANNOT_CONTAIN_SHARED_SRS', [], 'The server joining the pool cannot contain any shared storage.'],
  [
    'JOINING_HOST_CANNOT_BE_MASTER_OF_OTHER_HOSTS',
    [],
    'The server joining the pool cannot already be a coordinator of another pool.',
    'The server joining the pool cannot already be a master of another pool.',
  ],
  [
    'POOL_JOINING_HOST_MUST_HAVE_SAME_API_VERSION',
    ['host_api_version', 'master_api_version'],
    'The host joining the pool must have the same API version as the pool coordinator.',
    'The host joining the pool must have the same API version as the pool master.',
  ],
  [
    'POOL_JOINING_HOST_MUST_HAVE_SAME_DB_SCHEMA',
    ['host_db_schema', 'master_db_schema'],
    'The host joining the pool must have the same database schema as the pool coordinator.',
    'The host joining the pool must have the same database schema as the pool master.',
  ],
  ['JOINING_HOST_CONNECTION_FAILED', [], 'There was an error connecting to the host while joining it in the pool.'],
  [
    'HOST_CANNOT_DESTROY_SELF',
    ['host'],
    'The pool coordinator host cannot be removed.',
    'The pool master host cannot be removed.',
  ],
  ['HA_IS_ENABLED', [], 'The operation could not be performed because HA is enabled on the Pool'],
  ['IMPORT_ERROR', ['msg'], 'The VM could not be imported.'],
  [
    'IMPORT_INCOMPATIBLE_VERSION',
    [],
    'The import failed because this export has been created by a different (incompatible) product version',
  ],
  ['IMPORT_ERROR_PREMATURE_EOF', [], 'The VM could not be imported; the end of the file was reached prematurely.'],
  ['IMPORT_ERROR_SOME_CHECKSUMS_FAILED', [], 'Some data checksums were incorrect; the VM may be corrupt.'],
  [
    'SESSION_AUTHENTICATION_FAILED',
    [],
    'The credentials given by the user are incorrect, so access has been denied, and you have not been issued a session handle.',
  ],
  ['PERMISSION_DENIED', ['message'], 'Caller not allowed to perform this operation.'],
  ['RBAC_PERMISSION_DENIED', ['permission', 'message'], 'RBAC permission denied.'],
  [
    'LICENCE_RESTRICTION',
    ['feature'],
    'This operation is not allowed because your license lacks a needed feature. Please contact your support representative.',
  ],
  ['TASK_CANCELLED', ['task'], 'The request was asynchronously canceled.'],
  ['DEVICE_ALREADY_DETACHED', ['device'], 'The device is not currently attached'],
  [
    'MAP_DUPLICATE_KEY',
    ['type', 'param_name', 'uuid', 'key'],
    'You tried to add a key-value pair to a map, but that key is already there.',
  ],
];

const BY_DESCRIPTION = new Map<string, XeErrorEntry>();
for (const [code, params, ...descriptions] of ENTRIES) {
  for (const d of descriptions) BY_DESCRIPTION.set(d, { code, params });
}

export function lookupErrorDescription(line: string): XeErrorEntry | undefined {
  return BY_DESCRIPTION.get(line.trim());
}
