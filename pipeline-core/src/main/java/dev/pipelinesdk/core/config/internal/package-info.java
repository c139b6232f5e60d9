/**
 * Helpers of the configuration reader: masking secrets in URLs and quoting values on one line.
 * Not part of the public API; may change without notice.
 */
package dev.pipelinesdk.core.config.internal;
