// Bytom mainnet genesis block (Bytom v1.1.1 `config/genesis.go`, mainNetGenesisBlock): version 1,
// height 0, timestamp 1524549600, nonce 9253507043297, bits 2161727821137910632, one coinbase
// ("Information is power. -- Jan/11/2013. Computing is power. -- Apr/24/2018.") paying the initial
// subsidy 140700041250000000 BTM to program 00148c9d063ff74ee6d9ffa88d83aeb038068366c4c4.
//
// The bytes below were produced once by this package's encoder from those parameters and frozen:
// changing them is a consensus change. Its id is Bytom's published mainnet genesis id (e.g. Vapor
// `docs/federation/sql_dump/init_federation_mainnet.sql`, chain 'btm' at height 0).
import { hexToBytes } from '@noble/hashes/utils.js';

const MAINNET_GENESIS_BLOCK_HEX = [
  '03', // serialization flags: full block
  '01', // version
  '00', // height
  '0000000000000000000000000000000000000000000000000000000000000000', // previous block id
  'e08ffbd605', // timestamp 1524549600
  '40', // block commitment length
  '58e45ceb675a0b3d7ad3ab9d4288048789de8194e9766b26d8f42fdb624d4390', // transactions merkle root
  'c9c377e5192668bc0a367e4a4764f11e7c725ecced1d7b6a492974fab1b6d5bc', // transaction status hash
  'e19f8080a88d02', // nonce 9253507043297
  'e8b68480808080801e', // bits 2161727821137910632
  '01', // transaction count
  '07', // tx serialization flags
  '01', // tx version
  '00', // time range
  '01', // input count
  '01', // input 0: asset version
  '4b', // input 0: commitment length
  '02', // input 0: coinbase type
  '49', // input 0: arbitrary length
  '496e666f726d6174696f6e20697320706f7765722e202d2d204a616e2f31312f323031332e20', // "Information is power. -- Jan/11/2013. "
  '436f6d707574696e6720697320706f7765722e202d2d204170722f32342f323031382e', // "Computing is power. -- Apr/24/2018."
  '00', // input 0: witness length
  '01', // output count
  '01', // output 0: asset version
  '41', // output 0: commitment length
  'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // output 0: BTM asset id
  '8099dbd492bef7f901', // output 0: amount 140700041250000000
  '01', // output 0: vm version
  '16', // output 0: control program length
  '00148c9d063ff74ee6d9ffa88d83aeb038068366c4c4', // output 0: control program
  '00', // output 0: witness length
].join('');

/** Serialized mainnet genesis block (full block, serialization flags 0x03). */
export const MAINNET_GENESIS_BLOCK_BYTES: Uint8Array = hexToBytes(MAINNET_GENESIS_BLOCK_HEX);

/** Id of the mainnet genesis block. */
export const MAINNET_GENESIS_BLOCK_ID: Uint8Array = hexToBytes(
  'a75483474799ea1aa6bb910a1a5025b4372bf20bef20f246a2c2dc5e12e8a053',
);
