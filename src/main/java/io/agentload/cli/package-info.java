/** The {@code agentload} command line (picocli). Entry point: {@link io.agentload.cli.Main}. */
@NullMarked
package io.agentload.cli;

import org.jspecify.annotations.NullMarked;
