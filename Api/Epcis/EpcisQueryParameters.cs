using Microsoft.AspNetCore.Mvc;

namespace Traceability.Api.Epcis;

/// <summary>The SimpleEventQuery's parameters as the contract shows them (EPCIS 2.0 REST binding); list values are
/// separated by '|' or given as the parameter repeated. <see cref="EpcisQuery"/> reads them from the request.</summary>
public sealed record EpcisQueryParameters(
    [FromQuery(Name = "eventType")] string? EventType,
    [FromQuery(Name = "GE_eventTime")] string? GeEventTime,
    [FromQuery(Name = "LT_eventTime")] string? LtEventTime,
    [FromQuery(Name = "GE_recordTime")] string? GeRecordTime,
    [FromQuery(Name = "LT_recordTime")] string? LtRecordTime,
    [FromQuery(Name = "EQ_bizStep")] string? EqBizStep,
    [FromQuery(Name = "EQ_disposition")] string? EqDisposition,
    [FromQuery(Name = "MATCH_anyEPC")] string? MatchAnyEpc,
    [FromQuery(Name = "MATCH_anyEPCClass")] string? MatchAnyEpcClass,
    [FromQuery(Name = "EQ_readPoint")] string? EqReadPoint,
    [FromQuery(Name = "EQ_bizLocation")] string? EqBizLocation,
    [FromQuery(Name = "perPage")] string? PerPage,
    [FromQuery(Name = "nextPageToken")] string? NextPageToken);
