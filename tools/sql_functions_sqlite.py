"""The function allowlist of SQLite, as written names: data for `tools.sql_functions`,
kept apart because each engine's list is long and reviewed on its own."""

from __future__ import annotations

# Written names SQLite allows (its whole list: the shared names above are PostgreSQL/DuckDB ones
# SQLite mostly lacks). Judged from `pragma_function_list` of SQLite 3.40 plus the 3.41-3.47
# additions (concat, string_agg, unhex, timediff, ...). Left out: load_extension (loads code),
# fts3_tokenizer (hands out a pointer to native code), the FTS/R-tree helpers (bm25, highlight,
# snippet, matchinfo, offsets, optimize, rtree*), sqlite_version/source_id/compileoption_* and
# changes/total_changes/last_insert_rowid (engine and session state), sqlite_log (writes the log),
# subtype (internal), randomblob/zeroblob (no analytic use; values are bounded anyway). The shell's
# readfile/writefile/edit do not exist in the library. The authorizer of every SQLite connection
# (tools/databases/sqlite/authorizer.py) allows exactly these names, whatever the guard concluded.
SQLITE_NAMES = """
abs acos acosh asin asinh atan atan2 atanh avg ceil ceiling char coalesce concat concat_ws cos
cosh count cume_dist current_date current_time current_timestamp date datetime degrees dense_rank
exp first_value floor format glob group_concat hex if ifnull iif instr json json_array
json_array_length json_extract json_group_array json_group_object json_insert json_object
json_patch json_quote json_remove json_replace json_set json_type json_valid julianday lag
last_value lead length like likelihood likely ln log log10 log2 lower ltrim max min mod nth_value
ntile nullif octet_length percent_rank pi pow power printf quote radians random rank replace round
row_number rtrim sign sin sinh soundex sqrt strftime string_agg substr substring sum tan tanh time
timediff total trim trunc typeof unhex unicode unixepoch unlikely upper
"""
