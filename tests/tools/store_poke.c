/*
 * store_poke: test tool that changes a store behind contactsync's back, to
 * check how the tool reacts to stores it must refuse.
 *   store_poke DIR schema N     set the schema version to N
 */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 6, "schema" }, v;
	unsigned char ver[4];
	unsigned long n;
	int rc;

	if (argc != 4 || strcmp(argv[2], "schema")) {
		fprintf(stderr, "usage: store_poke DIR schema N\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 10);
	ver[0] = (unsigned char)n;
	ver[1] = (unsigned char)(n >> 8);
	ver[2] = (unsigned char)(n >> 16);
	ver[3] = (unsigned char)(n >> 24);
	v.mv_size = 4;
	v.mv_data = ver;
	rc = mdb_env_create(&env);
	if (!rc)
		rc = mdb_env_set_maxdbs(env, 16);
	if (!rc)
		rc = mdb_env_open(env, argv[1], 0, 0600);
	if (!rc)
		rc = mdb_txn_begin(env, NULL, 0, &txn);
	if (!rc)
		rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &dbi);
	if (!rc)
		rc = mdb_put(txn, dbi, &k, &v, 0);
	if (!rc)
		rc = mdb_txn_commit(txn);
	if (rc) {
		fprintf(stderr, "store_poke: %s\n", mdb_strerror(rc));
		return 1;
	}
	mdb_env_close(env);
	return 0;
}
