// Public API of the byte codec layer (Bytom `encoding/blockchain`).
export { DecodeError, DecodeErrorCode, EncodeError, EncodeErrorCode, isDecodeError } from './errors.ts';
export { ByteReader, HASH_LENGTH, MAX_VARINT31, MAX_VARINT63 } from './reader.ts';
export { ByteWriter, uvarintLength } from './writer.ts';
