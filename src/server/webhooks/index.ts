export * from './destinations';
export { runDeliveryPass, defaultDeliveryOptions, type DeliveryOptions } from './delivery';
export { startWebhooks, stopWebhooks } from './start';
