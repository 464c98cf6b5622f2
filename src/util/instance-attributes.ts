// Instance attributes the sidecar and the control plane agree on (a protocol contract, shared by both sides).

/** Set by a sidecar on each instance it registers for a node with several listeners: the listener it serves. */
export const listenerPortAttribute = 'SWITCHYARD_LISTENER_PORT';
