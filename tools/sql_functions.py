"""Function allowlists for the SQL guard, per dialect, as written names: plain data, so the guard's
function rule (`tools.guard.functions`) and the DuckDB cross-check beside its backend
(`tools.databases.duckdb.cross_check`) read the same lists without one importing the other.

An allowlist, not a denylist: anything not named here is rejected, because the dangerous
functions (file readers, SQL-in-a-string, settings, sleeps, locks, sequences) are an open-ended
set that grows with every engine release. These are DuckDB/PostgreSQL function names as written
(what sqlglot leaves `Anonymous` and what DuckDB's own parser reports); the sqlglot classes that
known names parse into (`date_trunc` -> `TimestampTrunc`) are `SAFE_CLASSES` below. Keep them
in sync with the test in tests/tools/test_guard.py that parses every allowed name.

Per dialect: `_COMMON` holds names both engines share; `_DUCKDB` adds DuckDB's list, struct, map,
JSON and statistics functions and `range` as a table function; `_POSTGRES` adds `to_char`,
`jsonb_*`, `percentile_cont`, `make_interval` and set-returning functions usable in FROM
(`jsonb_array_elements`, `regexp_split_to_table`, ...). PostgreSQL's dangerous built-ins
(`pg_read_file`, `lo_*`, `set_config`, `dblink`, `*_to_xml`, advisory locks, `pg_sleep`) are simply
absent, and `REFUSED_HINTS` explains them to the model.
"""

from __future__ import annotations

from tools.sql_functions_mysql import MYSQL_NAMES
from tools.sql_functions_sqlite import SQLITE_NAMES

# sqlglot classes that allowed names (and allowed syntax such as CASE, CAST, [..], {..}) parse
# into. Reviewed by hand: none of them reads files, runs SQL text or touches session state.
_SAFE_CLASS_NAMES = """
Abs Acos Acosh AddMonths AnyValue ApproxDistinct ApproxQuantile ApproxTopK ArgMax ArgMin Array
ArrayAgg ArrayAll ArrayAny ArrayAppend ArrayConcat ArrayConcatAgg ArrayContains ArrayContainsAll
ArrayDistinct ArrayFilter ArrayFirst ArrayIntersect ArrayLast ArrayOverlaps ArrayPosition
ArrayPrepend ArrayRemove ArrayReverse ArraySize ArraySlice ArraySort ArraySum ArrayToString
ArrayUniqueAgg Ascii Asin Asinh Atan Atan2 Atanh Avg BitLength BitwiseAndAgg BitwiseCount
BitwiseOrAgg BitwiseXorAgg ByteLength Case Cast Cbrt Ceil Chr Coalesce Columns Concat ConcatWs
Contains Convert Corr Cos Cosh Cot Count CountIf CovarPop CovarSamp CumeDist CurrentDate
CurrentDatetime CurrentTime CurrentTimestamp Date DateAdd DateBin DateDiff DateFromParts
DateStrToDate DateSub DateToDi DateTrunc Day DayOfMonth DayOfWeek DayOfWeekIso DayOfYear Dayname
Decode Degrees DenseRank DiToDate Div Encode EndsWith Exists Exp Explode Extract Factorial Filter
First FirstValue Flatten Floor FromBase64 GenerateDateArray GenerateSeries Greatest GroupConcat
Grouping Hex Hour If Initcap IsInf IsNan JSONArray JSONArrayAgg JSONArrayContains JSONBContains
JSONBExtract JSONBExtractScalar JSONBObjectAgg JSONCast JSONExtract JSONExtractArray
JSONExtractScalar JSONFormat JSONObject JSONObjectAgg JSONValueArray Kurtosis Lag Last LastDay
LastValue Lead Least Left Length Levenshtein Ln Log Lower LowerHex MD5 MD5Digest Map MapFromEntries
Max Median Min Minute Mod Month MonthsBetween Normalize NthValue Ntile Nullif Overlay Pad ParseJSON
PercentRank PercentileCont PercentileDisc Pi Posexplode Pow Quantile Quarter Radians Rand Rank
RegexpExtract RegexpExtractAll RegexpFullMatch RegexpILike RegexpLike RegexpReplace RegexpSplit
Repeat Replace Reverse Right Round RowNumber SHA SHA2 Second Sign Sin Sinh Skewness Sort Split
SplitPart Sqrt StandardHash StarMap StartsWith Stddev StddevPop StddevSamp StrPosition StrToDate
StrToTime StrToUnix Struct StructExtract Stuff Substring Sum Tan Tanh Time TimeAdd TimeDiff
TimeStrToDate TimeStrToTime TimeStrToUnix TimeSub TimeToStr TimeToTimeStr TimeToUnix TimeTrunc
Timestamp TimestampAdd TimestampDiff TimestampFromParts TimestampSub TimestampTrunc ToArray
ToBase64 ToChar ToDays ToMap ToNumber Transform Trim TryCast TsOrDsAdd TsOrDsDiff TsOrDsToDate
TsOrDsToTime TsOrDsToTimestamp Unhex UnixDate UnixMicros UnixMillis UnixSeconds UnixToStr
UnixToTime UnixToTimeStr Unnest Upper Uuid VarMap Variance VariancePop Week WeekOfYear Year
LogicalAnd LogicalOr Localtimestamp Localtime Format FromJson Getbit JarowinklerSimilarity JSONKeys
JSONType JSONStripNulls CosineDistance EuclideanDistance ArrayMax ArrayMin TimeFromParts MapKeys
Mode Monthname Reduce RegrAvgx RegrAvgy RegrCount RegrIntercept RegrR2 RegrSlope RegrSxx RegrSxy
RegrSyy ToBinary Translate Trunc Typeof Unicode ExplodingGenerateSeries JustifyDays JustifyHours
JustifyInterval MakeInterval RegexpCount RegexpInstr RegexpSubstr SHA2Digest StringToArray
WidthBucket And Or Xor Collate ArrayContainedBy JSONBContainsAllTopKeys JSONBContainsAnyTopKeys
JSONBContainsTopKey JSONBPathExists JSONBDeleteAtPath Try
Elt NumberToStr JSONRemove JSONSet Soundex Space UtcDate UtcTime UtcTimestamp
"""
SAFE_CLASSES = frozenset(_SAFE_CLASS_NAMES.split())

# sqlglot classes allowed in FROM position (table functions).
SAFE_TABLE_CLASSES = frozenset({"GenerateSeries", "ExplodingGenerateSeries", "Unnest", "Explode", "ExplodeOuter"})

# Written names shared by DuckDB and PostgreSQL (lower-case).
_COMMON = """
abs acos asin atan atan2 avg bit_and bit_or bit_xor bool_and bool_or cbrt ceil ceiling
char_length character_length chr coalesce concat concat_ws corr cos cosh cot count covar_pop
covar_samp cume_dist current_date date_part date_trunc degrees dense_rank exp extract factorial
first_value floor gcd greatest lag last_value lcm lead least left length ln log log10 lower lpad
ltrim max md5 min mod nth_value ntile nullif percent_rank pi position power radians random rank
regexp_replace regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy
regr_syy repeat replace reverse right round row_number rpad rtrim sign sin sinh split_part sqrt
starts_with stddev stddev_pop stddev_samp string_agg strpos substr substring sum tan tanh
to_timestamp translate trim trunc upper var_pop var_samp variance now
array_agg array_length array_position array_to_string string_to_array cardinality
json_array_length to_hex unnest generate_series grouping if iff nvl
"""

# Written names DuckDB adds (scalar, aggregate, window; macros included). Left out: the string
# distances (levenshtein, damerau_levenshtein, jaro_similarity, jaro_winkler_similarity,
# editdist3) - quadratic in one call, which DuckDB cannot interrupt, so two long strings
# outran any time limit (a review measured 88 s against 2 s).
_DUCKDB = """
acosh add age ago any_value approx_count_distinct approx_quantile approx_top_k arbitrary arg_max
arg_max_null arg_min arg_min_null argmax argmin array_aggr array_aggregate array_append
array_apply array_cat array_concat array_contains array_cosine_distance array_cosine_similarity
array_cross_product array_distance array_distinct array_dot_product array_extract array_filter
array_grade_up array_has array_has_all array_has_any array_indexof array_inner_product
array_intersect array_pop_back array_pop_front array_prepend array_push_back array_push_front
array_reduce array_resize array_reverse array_reverse_sort array_select array_slice array_sort
array_transform array_unique array_value array_where array_zip ascii asinh atanh bar base64 bin
bit_count bit_length bit_position bitstring bitstring_agg century contains count_if count_star
countif current_localtime current_localtimestamp date_add date_diff date_sub
datediff datepart datesub datetrunc day dayname dayofmonth dayofweek dayofyear days_in_month decade
divide element_at ends_with entropy enum_code enum_first enum_last enum_range
enum_range_boundary epoch epoch_ms epoch_ns epoch_us equi_width_bins era even fdiv favg filter
first flatten fmod format format_bytes formatreadabledecimalsize formatreadablesize from_base64
from_binary from_hex from_json from_json_strict fsum gamma gen_random_uuid geomean geometric_mean
get_bit get_current_time get_current_timestamp grade_up greatest_common_divisor group_concat
hamming hash hex histogram histogram_exact hour ilike_escape instr isfinite isinf
is_histogram_other_bin isnan isodow isoyear jaccard json
json_array json_contains json_exists json_extract json_extract_path json_extract_path_text
json_extract_string json_group_array json_group_object json_group_structure json_keys
json_merge_patch json_object json_pretty json_quote json_structure json_transform
json_transform_strict json_type json_valid json_value julian kahan_sum kurtosis kurtosis_pop
last last_day lcase least_common_multiple left_grapheme len length_grapheme lgamma
like_escape list list_aggr list_aggregate list_any_value list_append list_apply list_avg
list_bool_and list_bool_or list_cat list_concat list_contains list_cosine_distance
list_cosine_similarity list_count list_distance list_distinct list_dot_product list_element
list_entropy list_extract list_filter list_first list_grade_up list_has list_has_all list_has_any
list_histogram list_indexof list_inner_product list_intersect list_kurtosis list_last list_mad
list_max list_median list_min list_mode list_pack list_position list_prepend list_product
list_reduce list_resize list_reverse list_reverse_sort list_select list_sem list_skewness
list_slice list_sort list_stddev_pop list_stddev_samp list_string_agg list_sum list_transform
list_unique list_value list_var_pop list_var_samp list_where list_zip listagg log2 mad make_date
make_time make_timestamp make_timestamp_ms make_timestamp_ns make_timestamptz map map_concat
map_contains map_contains_entry map_contains_value map_entries map_extract map_extract_value
map_from_entries map_keys map_values max_by md5_number md5_number_lower md5_number_upper mean
median microsecond millennium millisecond min_by minute mismatches mode month monthname multiply
nanosecond nextafter nfc_normalize normalized_interval not_ilike_escape not_like_escape
octet_length ord overlay parse_formatted_bytes pow prefix printf product quantile quantile_cont
quantile_disc quarter range reduce regexp_escape regexp_extract regexp_extract_all
regexp_full_match regexp_matches regexp_split_to_array regexp_split_to_table reservoir_quantile
round_even roundbankers row sem second set_bit sha1 sha256 signbit skewness split str_split
str_split_regex strftime string_split string_split_regex strip_accents strlen strptime
struct_concat struct_contains struct_extract struct_extract_at struct_has struct_indexof
struct_insert struct_keys struct_pack struct_position struct_update struct_values
substring_grapheme subtract suffix sum_no_overflow sumkahan time_bucket timezone timezone_hour
timezone_minute to_base to_base64 to_binary to_centuries to_days to_decades to_hours to_json
to_microseconds to_millennia to_milliseconds to_minutes to_months to_quarters to_seconds to_weeks
to_years today transaction_timestamp try_strptime typeof ucase unbin unhex unicode union_extract
union_tag union_value url_decode url_encode uuid uuid_extract_timestamp uuid_extract_version uuidv4
uuidv7 wavg week weekday weekofyear weighted_avg xor year yearweek current_time current_timestamp
localtime localtimestamp array_has_any fill rank_dense decimal_average
struct
"""

# Written names PostgreSQL adds.
_POSTGRES = """
age array_append array_cat array_dims array_lower array_ndims array_positions array_prepend
array_remove array_replace array_upper bit_length btrim clock_timestamp date_bin every format
initcap isfinite json_agg json_array_elements json_array_elements_text json_build_array
json_build_object json_each json_each_text json_extract_path json_extract_path_text json_object_agg
json_object_keys json_strip_nulls json_typeof jsonb_agg jsonb_array_elements
jsonb_array_elements_text jsonb_array_length jsonb_build_array jsonb_build_object jsonb_each
jsonb_each_text jsonb_extract_path jsonb_extract_path_text jsonb_object_agg jsonb_object_keys
jsonb_path_exists jsonb_path_query jsonb_path_query_array jsonb_path_query_first jsonb_pretty
jsonb_strip_nulls jsonb_typeof justify_days justify_hours justify_interval make_date make_interval
make_time make_timestamp make_timestamptz mode octet_length percentile_cont percentile_disc
regexp_count regexp_instr regexp_like regexp_match regexp_matches regexp_split_to_array
regexp_split_to_table regexp_substr scale sha224 sha256 sha384 sha512 statement_timestamp
to_char to_date to_number to_json to_jsonb transaction_timestamp trim_scale width_bucket
current_time current_timestamp localtime localtimestamp array_to_json row_to_json
string_to_table unistr quote_literal quote_nullable concat_ws log age row
"""

# Functions usable in FROM (table functions), by written name.
_TABLE_COMMON = "unnest generate_series"
_TABLE_DUCKDB = "range"
_TABLE_POSTGRES = """
generate_subscripts json_array_elements json_array_elements_text json_each json_each_text
jsonb_array_elements jsonb_array_elements_text jsonb_each jsonb_each_text jsonb_path_query
regexp_matches regexp_split_to_table string_to_table
"""

# DuckDB's own parser reports operators and interval literals as functions (json_serialize_sql).
DUCKDB_OPERATORS = frozenset(
    [
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "**",
        "^",
        "||",
        "~~",
        "!~~",
        "~~*",
        "!~~*",
        "~~~",
        "!~~~",
        "&",
        "|",
        "<<",
        ">>",
        "~",
        "@>",
        "<@",
        "&&",
        "^@",
        "->>",
        "->",
        "<->",
        "<=>",
        "@",
        "is_distinct_from",
        "is_not_distinct_from",
    ]
)

# Why a known-dangerous name is refused, so the model gets an actionable message.
REFUSED_HINTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "read_csv",
            "read_csv_auto",
            "read_parquet",
            "parquet_scan",
            "parquet_metadata",
            "parquet_schema",
            "parquet_file_metadata",
            "parquet_kv_metadata",
            "read_json",
            "read_json_auto",
            "read_json_objects",
            "read_ndjson",
            "read_ndjson_auto",
            "read_text",
            "read_blob",
            "glob",
            "sniff_csv",
            "read_duckdb",
            "pg_read_file",
            "pg_read_binary_file",
            "pg_ls_dir",
            "pg_stat_file",
            "lo_import",
            "lo_export",
            "readcsv",
            "readparquet",
            "readjson",
        ],
        "it reads files or URLs; query the catalog tables instead",
    ),
    **dict.fromkeys(
        [
            "query",
            "query_table",
            "json_execute_serialized_sql",
            "json_serialize_sql",
            "json_deserialize_sql",
            "json_serialize_plan",
            "query_to_xml",
            "query_to_xml_and_xmlschema",
            "table_to_xml",
            "database_to_xml",
            "cursor_to_xml",
            "dblink",
            "dblink_exec",
        ],
        "it runs SQL hidden in a string; write the query directly",
    ),
    **dict.fromkeys(
        [
            "current_setting",
            "set_config",
            "duckdb_settings",
            "getvariable",
            "setseed",
            "getenv",
            "current_query",
            "current_user",
            "session_user",
            "current_role",
            "user",
            "current_database",
            "current_catalog",
            "current_schema",
            "current_schemas",
            "version",
            "txid_current",
            "pg_current_xact_id",
        ],
        "it reads or changes settings or session state",
    ),
    **dict.fromkeys(
        [
            "nextval",
            "currval",
            "setval",
            "lastval",
            "pg_advisory_lock",
            "pg_advisory_xact_lock",
            "pg_try_advisory_lock",
            "pg_advisory_unlock",
            "lo_create",
            "lo_from_bytea",
            "lo_put",
            "lo_unlink",
            "pg_notify",
            "pg_terminate_backend",
            "pg_cancel_backend",
            "pg_reload_conf",
            "write_log",
        ],
        "it changes sequences, locks, large objects or other sessions",
    ),
    **dict.fromkeys(["pg_sleep", "pg_sleep_for", "pg_sleep_until", "sleep_ms", "sleep", "benchmark"], "it sleeps"),
    **dict.fromkeys(["load_file"], "it reads files or URLs; query the catalog tables instead"),
    **dict.fromkeys(
        [
            "get_lock",
            "release_lock",
            "release_all_locks",
            "is_free_lock",
            "is_used_lock",
            "master_pos_wait",
            "master_gtid_wait",
            "source_pos_wait",
            "wait_for_executed_gtid_set",
            "last_insert_id",
        ],
        "it changes sequences, locks, large objects or other sessions",
    ),
    **dict.fromkeys(
        ["connection_id", "system_user", "found_rows", "row_count", "name_const"],
        "it reads or changes settings or session state",
    ),
    **dict.fromkeys(["extractvalue", "updatexml"], "it runs an XPath expression hidden in a string"),
    **dict.fromkeys(["load_extension", "fts3_tokenizer"], "it loads or reaches native code"),
    **dict.fromkeys(["readfile", "writefile", "edit"], "it reads or writes files"),
    **dict.fromkeys(
        [
            "sqlite_version",
            "sqlite_source_id",
            "sqlite_compileoption_get",
            "sqlite_compileoption_used",
            "changes",
            "total_changes",
            "last_insert_rowid",
        ],
        "it reads or changes settings or session state",
    ),
}

_SYSTEM_PREFIXES = ("duckdb_", "pragma_", "pg_", "sqlite_", "lo_", "dblink")


def safe_function_names(dialect: str) -> frozenset[str]:
    """Written names allowed in `dialect` (scalar, aggregate and window functions)."""
    if dialect == "mysql":
        return frozenset(MYSQL_NAMES.split())
    if dialect == "sqlite":
        return frozenset(SQLITE_NAMES.split())
    extra = _POSTGRES if dialect == "postgres" else _DUCKDB
    return frozenset((_COMMON + extra).split())


def safe_table_function_names(dialect: str) -> frozenset[str]:
    """Written names allowed in FROM position in `dialect` (none on MySQL: JSON_TABLE and the like
    are not needed for questions over tables; none on SQLite: json_each and json_tree make the
    engine ask to update sqlite_schema, which its authorizer refuses)."""
    if dialect in ("mysql", "sqlite"):
        return frozenset()
    extra = _TABLE_POSTGRES if dialect == "postgres" else _TABLE_DUCKDB
    return frozenset((_TABLE_COMMON + " " + extra).split())


def refusal_reason(name: str) -> str:
    """A short reason for refusing `name`, for the problem message."""
    lowered = name.lower()
    if lowered in REFUSED_HINTS:
        return REFUSED_HINTS[lowered]
    if lowered.startswith(_SYSTEM_PREFIXES):
        return "it is a system or administration function"
    return "it is not on the analyst's list of allowed functions"
