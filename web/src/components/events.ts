/** Typed events the elements fire upwards (properties go down, events go up). */
export class VehicleSelectEvent extends Event {
  static readonly type = 'vehicle-select';
  constructor(readonly vehicleId: string | undefined) {
    super(VehicleSelectEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'vehicle-select': VehicleSelectEvent;
  }
}
