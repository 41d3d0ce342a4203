package io.dispatch.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the JVM flags in one place and the configuration reference complete. */
class ProjectFilesTest
{
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();

    @Test
    void shouldHaveTheSameJvmFlagsInThePomAsInTheArgumentFile() throws Exception
    {
        final List<String> file = Files.readAllLines(ROOT.resolve("config/jvm/common.args")).stream()
            .map(String::trim).filter(l -> !l.isEmpty()).toList();
        final Matcher m = Pattern.compile("<jvm.common.args>([^<]*)</jvm.common.args>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        assertThat(List.of(m.group(1).trim().split("\\s+"))).containsExactlyElementsOf(file);
    }

    @Test
    void shouldDocumentEveryConfigurationKey() throws Exception
    {
        final String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        final List<String> missing = new ArrayList<>();
        for (final Field f : Configuration.class.getFields())
        {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                && (f.getName().endsWith("_PROP_NAME") || isKeyPart(f.getName())))
            {
                final String key = (String)f.get(null);
                if (!doc.contains("`" + key) && !doc.contains("." + key + "`"))
                {
                    missing.add(key);
                }
            }
        }
        assertThat(missing).as("keys missing from docs/configuration.md").isEmpty();
    }

    private static boolean isKeyPart(final String name)
    {
        return (name.startsWith("LANE_") || name.startsWith("TENANT_") || name.startsWith("POLICY_"))
            && !name.endsWith("DEFAULT");
    }
}
