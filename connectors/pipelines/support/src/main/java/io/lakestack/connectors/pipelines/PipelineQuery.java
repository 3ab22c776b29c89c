package io.lakestack.connectors.pipelines;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** One of a pipeline's analyst queries, as kept in {@code queries/<name>.sql}; its first line is a comment saying what it answers. */
public record PipelineQuery(String name, String title, String sql)
{
    public PipelineQuery
    {
        requireNonNull(name, "name is null");
        requireNonNull(title, "title is null");
        requireNonNull(sql, "sql is null");
    }

    /** The queries of these names among the definitions, in that order. */
    public static List<PipelineQuery> read(Definitions definitions, List<String> names)
    {
        List<PipelineQuery> queries = new ArrayList<>();
        for (String name : names) {
            String sql = definitions.raw("queries/" + name + ".sql");
            String title = sql.lines().findFirst().filter(line -> line.startsWith("--")).map(line -> line.substring(2).strip()).orElse(name);
            queries.add(new PipelineQuery(name, title, sql));
        }
        return queries;
    }
}
