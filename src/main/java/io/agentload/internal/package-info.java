/**
 * Machinery that several packages share: file I/O (an atomic write, the Parquet layer), exact percentiles. Not API:
 * it may change without notice, and notebooks should not import it.
 */
package io.agentload.internal;
