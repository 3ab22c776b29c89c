package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.PipelineQuery;

import java.io.PrintStream;
import java.util.Locale;

/** How {@code run} shows an analyst's query and its answer: the title, the SQL, and up to 15 rows as a table. */
final class PipelineAnswers
{
    private static final int SHOWN_ROWS = 15;

    private PipelineAnswers()
    {
    }

    static void print(PrintStream out, PipelineQuery query, AthenaSql.Rows answer)
    {
        out.println();
        out.println("-- " + query.title() + " (" + query.name() + ".sql)");
        out.print(query.sql().lines().skip(1).reduce((a, b) -> a + "\n" + b).orElse("") + "\n\n");
        int shown = Math.min(answer.rows().size(), SHOWN_ROWS);
        out.print(new AthenaSql.Rows(answer.columns(), answer.rows().subList(0, shown)).format());
        if (shown < answer.rows().size()) {
            out.printf(Locale.ROOT, "... %,d rows in all%n", answer.rows().size());
        }
    }
}
