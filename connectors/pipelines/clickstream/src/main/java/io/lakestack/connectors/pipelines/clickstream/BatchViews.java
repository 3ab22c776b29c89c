package io.lakestack.connectors.pipelines.clickstream;

import java.util.Optional;

/** Where the serving layer finds the batch layer's views. */
public interface BatchViews
{
    /** The newest batch view (the one of the latest high-water mark); none before the batch layer wrote one. */
    Optional<BatchView> latest();
}
