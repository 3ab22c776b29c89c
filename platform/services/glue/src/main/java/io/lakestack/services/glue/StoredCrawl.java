package io.lakestack.services.glue;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One crawl of a crawler as the record store keeps it, for {@code ListCrawls} and for the workflow run that started it:
 * its id (also its log messages' prefix), its status while it runs ({@code RUNNING}) and how it ended
 * ({@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}), and what it changed in the catalog.
 *
 * @param workflowName the workflow whose run started the crawl, if one did
 * @param workflowRunId that run's id
 */
record StoredCrawl(
        String crawlerName,
        String id,
        String status,
        long startMillis,
        Optional<Long> endMillis,
        Optional<String> errorMessage,
        int tablesCreated,
        int tablesUpdated,
        int tablesDeleted,
        int partitionsCreated,
        Optional<String> workflowName,
        Optional<String> workflowRunId)
{
    static final String RUNNING = "RUNNING";

    StoredCrawl
    {
        requireNonNull(crawlerName, "crawlerName is null");
        requireNonNull(id, "id is null");
        requireNonNull(status, "status is null");
        requireNonNull(endMillis, "endMillis is null");
        requireNonNull(errorMessage, "errorMessage is null");
        requireNonNull(workflowName, "workflowName is null");
        requireNonNull(workflowRunId, "workflowRunId is null");
    }

    boolean running()
    {
        return status.equals(RUNNING);
    }

    StoredCrawl ended(String endStatus, Optional<String> message, long nowMillis, int created, int updated, int deleted, int partitions)
    {
        return new StoredCrawl(crawlerName, id, endStatus, startMillis, Optional.of(nowMillis), message, created, updated, deleted, partitions, workflowName,
                workflowRunId);
    }

    /** The state {@code ListCrawls} reports ({@code CrawlerHistory.State}): RUNNING, COMPLETED, FAILED or STOPPED. */
    String historyState()
    {
        return switch (status) {
            case "SUCCEEDED" -> "COMPLETED";
            case "CANCELLED" -> "STOPPED";
            default -> status;
        };
    }

    /** The seconds the crawl has taken, or took. */
    double seconds(long nowMillis)
    {
        return Math.max(0, endMillis.orElse(nowMillis) - startMillis) / 1000.0;
    }
}
