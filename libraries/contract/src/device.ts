/**
 * The device registry as the API shows it (`/devices…`, answered by device-ingest). The JSON
 * Schemas of the same shapes are in openapi.yaml (Device, DeviceRegistration, DeviceSecret); a
 * test keeps the enum here and there equal.
 */

/** `revoked` devices stay listed (their history stays too) but are refused. */
export const DEVICE_STATUSES = ['active', 'revoked'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** A registered device: never its secret or the secret's hash. */
export interface DeviceView {
  /** What the device sends: OsmAnd `id`, OwnTracks `user` or `user/device`. */
  id: string;
  /** The vehicle its fixes are published for. */
  vehicle: string;
  /** The vehicle's display name. */
  name: string;
  status: DeviceStatus;
  createdAt: string;
  updatedAt: string;
}

/** `POST /devices`. */
export interface DeviceRegistration {
  id: string;
  /** Default: the device id. */
  vehicle?: string;
  /** Default: the vehicle id. */
  name?: string;
  /** Only for devices whose secret cannot be changed; otherwise one is generated. */
  secret?: string;
}

/** `POST /devices` (201) and `POST /devices/{id}/rotate`: the secret is shown only here. */
export interface DeviceSecret {
  device: DeviceView;
  secret: string;
}
