package io.lakestack.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The options a stack's own process gets from the launcher that starts it. */
class StackJvmTest
{
    @Test
    void theStackLoadsTheStacksClassDataArchiveOfTheSameBuild()
    {
        assertThat(StackJvm.forStack("-XX:SharedArchiveFile=/home/u/.cache/lakestack/cds/launcher-89ff0219528b.jsa"))
                .isEqualTo("-XX:SharedArchiveFile=/home/u/.cache/lakestack/cds/stack-89ff0219528b.jsa");
        assertThat(StackJvm.forStack("-XX:SharedArchiveFile=/home/u/.cache/lakestack/cds/stack-89ff0219528b.jsa"))
                .isEqualTo("-XX:SharedArchiveFile=/home/u/.cache/lakestack/cds/stack-89ff0219528b.jsa");
        assertThat(StackJvm.forStack("-XX:+UseG1GC")).isEqualTo("-XX:+UseG1GC");
    }
}
