export { createNatsBus, NatsBus } from './bus.ts';
export { type MessageCodec, rawCodec } from './codec.ts';
export { type NatsConfig, natsBusOptionsFromConfig, natsConfigSchema } from './config.ts';
export type {
  ConsumerCheckpoint,
  ConsumerRef,
  ConsumerRun,
  ConsumerStart,
  DeclaredConsumer,
  DurableConsumerSpec,
  StreamConsumeOptions,
  StreamHandler,
  StreamMessageContext,
} from './consumer.ts';
export { isNatsError, NatsError, NatsErrorCode } from './errors.ts';
export { BusHeader } from './headers.ts';
export { type DurablePublishOptions, JetStreamBus, type PublishAck } from './jetstream.ts';
export type { DeclaredStream, StreamSpec } from './streams.ts';
export {
  isSubject,
  MAX_SUBJECT_TOKEN_LENGTH,
  parseSubject,
  SUBJECT_ROOT,
  type Subject,
  type SubjectFilter,
  type SubjectPart,
  type SubjectParts,
  subject,
  subjectFilter,
  subjectTokenProblem,
} from './subject.ts';
export type {
  Bus,
  BusMessageContext,
  BusMessageHandler,
  BusPublishOptions,
  BusRequestHandler,
  BusRequestOptions,
  BusSubscribeOptions,
  BusSubscription,
  HandlerInstrumenter,
  NatsBusOptions,
  NatsLogger,
  NatsModuleContext,
  NatsReconnectOptions,
} from './types.ts';
