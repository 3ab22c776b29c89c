package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchViewTest
{
    @Test
    void isKeptAsTsvWithTheMarkFirst()
    {
        BatchView view = new BatchView(1414870543000L, Map.of(new Key("product2", 95126), new Totals(33, 2), new Key("product1", 94040), new Totals(20, 1)));

        assertThat(view.tsv()).isEqualTo("""
                # high-water-mark 1414870543000 2014-11-01T19:35:43Z
                product1\t94040\t20\t1
                product2\t95126\t33\t2
                """);
        assertThat(BatchView.parse(view.tsv())).isEqualTo(view);
        assertThat(view.clicks()).isEqualTo(3);
        assertThat(BatchViewObjects.key(view.highWaterMark())).isEqualTo("batch-views/1414870543000.tsv");
    }

    @Test
    void aProductsTabsAndLineEndsSurviveTheTsv()
    {
        BatchView view = new BatchView(0, Map.of(new Key("odd\tname\nwith \\ and \r", 1), new Totals(1, 1)));

        assertThat(view.tsv()).isEqualTo("# high-water-mark 0 1970-01-01T00:00:00Z\nodd\\tname\\nwith \\\\ and \\r\t1\t1\t1\n");
        assertThat(BatchView.parse(view.tsv())).isEqualTo(view);
    }

    @Test
    void refusesWhatIsNotABatchView()
    {
        assertThatThrownBy(() -> new BatchView(1414870543001L, Map.of())).hasMessageContaining("a high-water mark is a whole second");
        assertThatThrownBy(() -> BatchView.parse("product1\t1\t1\t1\n")).hasMessageContaining("starts with \"# high-water-mark ");
        assertThatThrownBy(() -> BatchView.parse("# high-water-mark 0\nproduct1\t1\t1\n")).hasMessageContaining("product, zipcode, revenue and clicks");
    }
}
