// Chain constants both chains share (Bytom v1.1.1 `consensus/general.go`, Vapor likewise).

/** The native asset (BTM) id: 32 bytes of 0xff. */
export const BTM_ASSET_ID: Uint8Array = new Uint8Array(32).fill(0xff);
