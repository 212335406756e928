/** The {@code agentload} command line (picocli). Entry point: {@link io.agentload.cli.Main}. */
package io.agentload.cli;
