package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What an executed notebook printed, as the notebook tests compare it. */
class NotebooksTest
{
    @Test
    void aPrintTheKernelSentInSeveralOutputsIsOneLine()
            throws Exception
    {
        // as nbconvert wrote a cell whose print reached it in two stream messages, beside a stderr warning
        String notebook = """
                {"cells": [
                  {"outputs": [{"output_type": "stream", "name": "stdout", "text": ["revenue a 1 2\\n", "revenue b 3 4\\n"]}]},
                  {"outputs": [{"output_type": "stream", "name": "stdout", "text": ["saved x.png"]},
                               {"output_type": "stream", "name": "stderr", "text": ["a warning\\n"]},
                               {"output_type": "stream", "name": "stdout", "text": ["\\n"]}]},
                  {"outputs": [{"output_type": "execute_result", "data": {"text/plain": ["42"]}}]}]}
                """;
        assertThat(Notebooks.printed(new ObjectMapper().readTree(notebook))).containsExactly("revenue a 1 2", "revenue b 3 4", "saved x.png");
    }
}
