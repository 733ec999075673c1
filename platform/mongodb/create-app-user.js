// Runs once, when the data directory is empty, as the root user the image creates from
// MONGO_INITDB_ROOT_*. The tracker gets its own least-privilege user on the fleetman database
// (its MONGO_URL names that database, which is therefore the authentication source).
const username = process.env.FLEETMAN_DB_USERNAME;
const password = process.env.FLEETMAN_DB_PASSWORD;
if (!username || !password) {
  throw new Error(
    'FLEETMAN_DB_USERNAME and FLEETMAN_DB_PASSWORD must be set (Secret mongodb-credentials)',
  );
}
db.getSiblingDB('fleetman').createUser({
  user: username,
  pwd: password,
  roles: [{ role: 'readWrite', db: 'fleetman' }],
});
