/** A real PostgreSQL server run from the zonky binaries on the class path. */
package dev.pipelinesdk.embeddedpg;
