package io.lakestack.connectors.lambda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class OutputReaderTest
{
    @Test
    void linesKeepTheirNewlineAndAnUnfinishedLineWaitsUntilAskedFor(@TempDir Path directory)
            throws Exception
    {
        Path file = directory.resolve("output.log");
        Files.createFile(file);
        try (OutputReader reader = new OutputReader(file)) {
            append(file, "first\nsecond\nthi");
            assertThat(reader.read(false)).containsExactly("first\n", "second\n");
            assertThat(reader.read(false)).isEmpty();
            append(file, "rd\r\nfour");
            assertThat(reader.read(false)).containsExactly("third\r\n");
            assertThat(reader.read(true)).containsExactly("four");
            assertThat(reader.read(true)).isEmpty();
            append(file, "zürich \u00a0\n");
            assertThat(reader.read(false)).containsExactly("zürich \u00a0\n");
        }
    }

    @Test
    void aLineLongerThanALogEventIsCut(@TempDir Path directory)
            throws Exception
    {
        Path file = directory.resolve("output.log");
        Files.writeString(file, "x".repeat(LogShipper.MAX_EVENT_BYTES + 10) + "\n");
        try (OutputReader reader = new OutputReader(file)) {
            assertThat(reader.read(false)).containsExactly("x".repeat(LogShipper.MAX_EVENT_BYTES), "x".repeat(10) + "\n");
        }
    }

    private static void append(Path file, String text)
            throws Exception
    {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
