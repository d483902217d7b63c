// MongoDB, the durable tier for clusters: the same conformance suite, against the server named by
// MONGODB_URL (it must be a replica set or mongos: the store commits with transactions), each test
// in its own throw-away database. Without MONGODB_URL every test is reported as SKIPPED, loudly.
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { MongoClient } from 'mongodb';
import { createMongoStore } from '../../src/store/index.ts';
import { runDurableStoreConformance } from './conformance.ts';

const url = process.env.MONGODB_URL;
let client: MongoClient | undefined;

after(async () => {
  await client?.close();
});

runDurableStoreConformance(
  'mongodb',
  async () => {
    client ??= await new MongoClient(url!).connect();
    const dbName = `bystack_test_${randomBytes(6).toString('hex')}`;
    const store = await createMongoStore({ client, dbName });
    return {
      store,
      dispose: async () => {
        await store.close();
        await client!.db(dbName).dropDatabase();
      },
    };
  },
  url
    ? {}
    : {
        skip: 'MONGODB_URL is not set: the MongoDB adapter was NOT tested (set it to a replica set, e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0)',
      },
);
