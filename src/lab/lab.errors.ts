import { DomainError } from 'src/common/errors/domain-error';

export enum LabErrorCode {
  InventoryUnreadable = 'LAB_INVENTORY_UNREADABLE',
  InventoryInvalid = 'LAB_INVENTORY_INVALID',
  UnknownHost = 'LAB_UNKNOWN_HOST',
  UnknownPool = 'LAB_UNKNOWN_POOL',
  HardwareIncomplete = 'LAB_HARDWARE_INCOMPLETE',
}

export class LabError extends DomainError<LabErrorCode> {}
