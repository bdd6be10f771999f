"""Joint reviews seen from the core: inviting partners (as the local policy names them),
accepting, signing off and removing. Access itself is enforced by the walls in tenants/."""
