// The IP field size of a dialect (§4.4, §4.9, §10.1, §14.1): 16 bytes (response_ip_addr_size
// auto on an IPv4 cluster, and every release up to 6.10) or 46 (IPv6-capable, 6.11–6.14 always).

export type IpFieldSize = 16 | 46;

export const IP_FIELD_SIZES: readonly IpFieldSize[] = [16, 46];
