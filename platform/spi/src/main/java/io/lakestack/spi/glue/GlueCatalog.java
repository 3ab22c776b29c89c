package io.lakestack.spi.glue;

import java.util.List;
import java.util.Optional;

/**
 * The Glue Data Catalog: databases, tables and partitions, Hive-compatible.
 *
 * <p>Errors are {@link io.lakestack.spi.ServiceException}s with Glue's codes: {@code EntityNotFoundException},
 * {@code AlreadyExistsException}, {@code InvalidInputException} (bad names, types, locations), and
 * {@code InternalServiceException} when the store underneath fails. A failed call changes nothing.
 *
 * <p>Local emulation: the catalog is a Hive Metastore, so what Trino (Athena) creates shows up here and what is
 * created here is queryable at once. Names are stored lower-case, as Glue stores them. Table versions: only the
 * current version is kept, with a version id that increases on every update. Where the metastore makes it differ from
 * Glue: column types must be Hive types ({@code InvalidInputException} otherwise) and are kept in their canonical
 * spelling ({@link HiveTypes}), where Glue keeps any string; column parameters are not kept; locations must be
 * {@code s3://} URIs and lose a trailing {@code /}; a partition created without columns and SerDe takes its table's,
 * where Glue keeps it without.
 */
public interface GlueCatalog
{
    void createDatabase(CatalogDatabase database);

    CatalogDatabase getDatabase(String name);

    /** Databases in name order; {@code nextToken} from the previous page. */
    Page<CatalogDatabase> getDatabases(Optional<String> nextToken, int maxResults);

    void updateDatabase(String name, CatalogDatabase database);

    /** Deletes the database and its tables' metadata, not their data, as Glue does. */
    void deleteDatabase(String name);

    void createTable(CatalogTable table);

    CatalogTable getTable(String database, String name);

    /**
     * Tables in name order.
     *
     * @param expression a regular expression each table's whole name must match, in any case, as Glue's
     *         {@code Expression} ({@code *} alone means every table); one that cannot be used is
     *         {@code InvalidInputException}. Local emulation: RE2 syntax (Java's without backreferences or
     *         lookaround), matched in time linear in the name's length, with groups nested at most 100 levels deep and at
     *         most 2,000 instructions once counted repetitions are written out
     */
    Page<CatalogTable> getTables(String database, Optional<String> expression, Optional<String> nextToken, int maxResults);

    /** Replaces the table's definition; its version id increases. */
    void updateTable(CatalogTable table);

    /** Deletes the table's metadata and partitions, not its data. */
    void deleteTable(String database, String name);

    void createPartition(CatalogPartition partition);

    /** Creates each partition it can; the others are returned with why. */
    List<BatchError<List<String>>> createPartitions(String database, String table, List<CatalogPartition> partitions);

    CatalogPartition getPartition(String database, String table, List<String> values);

    /** The partitions that exist among {@code values}; the missing ones are left out. */
    List<CatalogPartition> getPartitions(String database, String table, List<List<String>> values);

    /**
     * Partitions in the order of their values, compared as text key by key (so {@code hour=10} comes before
     * {@code hour=9}, whatever the key's type); Glue states no order.
     *
     * @param expression a Glue partition filter, e.g. {@code dt >= '2026-11-01' AND region IN ('eu', 'us')}
     */
    Page<CatalogPartition> getPartitions(String database, String table, Optional<String> expression, Optional<String> nextToken, int maxResults);

    void updatePartition(String database, String table, List<String> values, CatalogPartition partition);

    void deletePartition(String database, String table, List<String> values);
}
