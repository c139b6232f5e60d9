/**
 * A real PostgreSQL server run from the zonky binaries on the class path (also as root, through
 * {@code setpriv}): {@link dev.pipelinesdk.embeddedpg.EmbeddedPostgres} starts and stops one
 * server on a data directory (tests, tools); {@link dev.pipelinesdk.embeddedpg.SharedPostgres} is
 * the persistent server of a base directory that the processes of one host share. Classes in
 * {@code .internal} are not part of the API.
 */
package dev.pipelinesdk.embeddedpg;
