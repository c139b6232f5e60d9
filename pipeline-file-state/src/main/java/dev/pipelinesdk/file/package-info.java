/**
 * The file state backend: {@link dev.pipelinesdk.file.FileStateBackend} keeps leases, status
 * documents and export records in a directory shared by the processes of one host.
 */
package dev.pipelinesdk.file;
