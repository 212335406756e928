package io.agentload.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTest {

    @Test
    void everyCommandHasHelpAndADescription() {
        for (CommandLine cl : commands(Main.commandLine())) {
            String name = cl.getCommandSpec().qualifiedName();
            CliRunner r = CliRunner.run(args(name, "--help"));
            assertEquals(0, r.exitCode(), name);
            assertTrue(r.out().startsWith("Usage: " + name), name + ":\n" + r.out());
            assertTrue(cl.getCommandSpec().usageMessage().description().length > 0, name);
        }
    }

    /**
     * Every description is a picocli format string: a lone {@code %} (as in "83.5% of the window") made picocli warn
     * on every {@code agentload --help} and print the description unformatted.
     */
    @Test
    void descriptionsEscapeTheirPercentSigns() {
        for (CommandLine cl : commands(Main.commandLine())) {
            CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
            List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
            spec.options().forEach(o -> texts.addAll(List.of(o.description())));
            spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
            for (String text : texts) {
                assertFalse(text.replace("%%", "").replace("%n", "").contains("%"),
                        spec.qualifiedName() + ": a lone % in \"" + text + "\"");
            }
        }
    }

    /** A description line that breaks before the width while the next word, in mid-sentence, would have fitted. */
    @Test
    void descriptionsWrapOnlyWhereTheNextWordDoesNotFit() {
        for (CommandLine cl : commands(Main.commandLine())) {
            String[] lines = cl.getHelp().description().split("\\R");
            int width = cl.getCommandSpec().usageMessage().width();
            for (int i = 0; i + 1 < lines.length; i++) {
                String next = lines[i + 1];
                if (next.isEmpty() || !Character.isLowerCase(next.charAt(0))) continue;  // indented lines are laid out by hand
                String word = next.split("\\s+")[0];
                assertTrue(lines[i].stripTrailing().length() + 1 + word.length() >= width, // picocli fills a line up to width - 1
                        cl.getCommandSpec().qualifiedName() + " breaks early:\n" + lines[i] + "\n" + lines[i + 1]);
            }
        }
    }

    private static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values())
            if (!sub.getCommandSpec().name().equals("help")) all.addAll(commands(sub));
        return all;
    }

    private static String[] args(String qualifiedName, String flag) {
        List<String> a = new ArrayList<>(List.of(qualifiedName.split(" ")));
        a.removeFirst();
        a.add(flag);
        return a.toArray(String[]::new);
    }
}
