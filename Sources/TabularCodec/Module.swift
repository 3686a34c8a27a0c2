// TabularCodec module: schema-driven semantic codec for tabular health records.
