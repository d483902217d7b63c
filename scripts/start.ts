// `npm start`: the devnet launcher. The main-chain services it starts are not built yet
// (issue 4), so it says so instead of pretending to run a chain.
console.error('bystack devnet: the node services are not built yet; see README.md "Status".');
process.exit(1);
