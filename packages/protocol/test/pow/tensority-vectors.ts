// Test vectors of Tensority: Bytom v1.1.1 mining/tensority/go_algorithm/algorithm_test.go, the
// `tests` table of TestLegacyAlgorithm (all 11 cases, in order; cases 1 and 2 are identical there).
export type TensorityVector = { readonly blockHash: string; readonly seed: string; readonly result: string };

export const tensorityVectors: readonly TensorityVector[] = [
  {
    blockHash: 'd0dad73fb2dabf3353fda15571b4e5f6ac62ff187b354fadd4840d9ff2f1afdf',
    seed: '0737520781345b11b7bd0f843c1bdd9aea81b6da94fd141cc9f2df53ac6744d2',
    result: 'e35da54795d82f8549c0e580cbf2e3757ab5ef8fed1bdbe439416c7e6f8df227',
  },
  {
    blockHash: 'd0dad73fb2dabf3353fda15571b4e5f6ac62ff187b354fadd4840d9ff2f1afdf',
    seed: '0737520781345b11b7bd0f843c1bdd9aea81b6da94fd141cc9f2df53ac6744d2',
    result: 'e35da54795d82f8549c0e580cbf2e3757ab5ef8fed1bdbe439416c7e6f8df227',
  },
  {
    blockHash: '0000000000000000000000000000000000000000000000000000000000000000',
    seed: '48dda5bbe9171a6656206ec56c595c5834b6cf38c5fe71bcb44fe43833aee9df',
    result: '26db94efa422d76c402a54eeb61dd5f53282cd3ce1a0ac677e177051edaa98c1',
  },
  {
    blockHash: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
    seed: '0e3b78d8380844b0f697bb912da7f4d210382c6714194fd16039ef2acd924dcf',
    result: 'fecec33669737592f7754b215b20bacefba64d2e4ca1656f85ea1d3dbe162839',
  },
  {
    blockHash: '2f014311e0926fa8b3d6e6de2051bf69332123baadfe522b62f4645655859e7a',
    seed: '0000000000000000000000000000000000000000000000000000000000000000',
    result: 'c1c3cf4c76968e2967f0053c76f2084cc01ed0fe9766428db99c45bedf0cdbe2',
  },
  {
    blockHash: 'e0e3c43178a126d04871b9c5d0c642e5e08b9679a5f66b821bd9a030eff02ce7',
    seed: '6ab21e1301f5752c2fca1b5598f49d3769482e073c1f26e3b8365f405553ea31',
    result: 'abbc2cb39638f684235fbc1b3ff107945948c581b6929bae2cd681889ff2d824',
  },
  {
    blockHash: '886a8e85b275e7d65b569ba510875c0e63dece1a94569914d7624c0dac8002f9',
    seed: '9e6291970cb44dd94008c79bcaf9d86f18b4b49ba5b2a04781db7199ed3b9e4e',
    result: '6a1f276cac6f9e8b426eab46b533f82e82a148c03fb0a86934a8e5483b39da5e',
  },
  {
    blockHash: '2f86fe508faa7d68692a2089271b6901385d9058cd47e84fb402b5085f9a8360',
    seed: '9e6291970cb44dd94008c79bcaf9d86f18b4b49ba5b2a04781db7199ed3b9e4e',
    result: '81756fdab39a17163b0ce582ee4ee256fb4d1e156c692b997d608a42ecb38d47',
  },
  {
    blockHash: 'fe9791d71b67ee62515e08723c061b5ccb952a80d804417c8aeedf7f633c524a',
    seed: '9e6291970cb44dd94008c79bcaf9d86f18b4b49ba5b2a04781db7199ed3b9e4e',
    result: 'fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409',
  },
  {
    blockHash: 'ef306787a087c118fcb6d351f0199dca98055898e208fbf1a934c9d70b58ee4b',
    seed: '9e6291970cb44dd94008c79bcaf9d86f18b4b49ba5b2a04781db7199ed3b9e4e',
    result: 'ffb0cadab314673d228f8fe74d84a4652e01c82c2641d3e2fa9148afeab0d606',
  },
  {
    blockHash: '10d2f1b2f48e389c97dde1b1a63bcd743c2340935d71e2c358ba10e584696143',
    seed: '9e6291970cb44dd94008c79bcaf9d86f18b4b49ba5b2a04781db7199ed3b9e4e',
    result: '6add5af18253d0722c542f7e71f47d9cb1a4d7fb7c7d26aefe3c831cb854f17e',
  },
];

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
