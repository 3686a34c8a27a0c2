// Privacy module: DP mechanisms, accountants, secure aggregation (see Documentation.docc).
