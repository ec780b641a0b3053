"""The LKE ZI (PermenPAN-RB 90/2021): master lists, the unit's and the TPI's answers,
scoring and readiness, and the exchange with KemenPAN-RB's PortalRB."""
