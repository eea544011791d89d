"""Builds solution zips in the subset the simulator's ImportSolution applies."""

from __future__ import annotations

import io
import zipfile

SOLUTION_XML = """<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml version="9.2" SolutionPackageVersion="9.2" languagecode="1033">
  <SolutionManifest>
    <UniqueName>{unique_name}</UniqueName>
    <LocalizedNames><LocalizedName description="{friendly_name}" languagecode="1033"/></LocalizedNames>
    <Version>{version}</Version>
    <Managed>1</Managed>
  </SolutionManifest>
</ImportExportXml>"""

COUPLET_CUSTOMIZATIONS = """<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml>
  <Entities>
    <Entity>
      <Name>cpl_Company</Name>
      <EntityInfo>
        <entity Name="cpl_Company">
          <EntitySetName>cpl_companies</EntitySetName>
          <attributes>
            <attribute PhysicalName="cpl_Name">
              <Type>nvarchar</Type><LogicalName>cpl_name</LogicalName>
              <RequiredLevel>systemrequired</RequiredLevel><MaxLength>30</MaxLength>
              <DisplayMask>PrimaryName|ValidForAdvancedFind</DisplayMask>
            </attribute>
            <attribute PhysicalName="cpl_ExternalId">
              <Type>nvarchar</Type><LogicalName>cpl_externalid</LogicalName><MaxLength>36</MaxLength>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
    </Entity>
    <Entity>
      <Name>SalesOrder</Name>
      <EntityInfo>
        <entity Name="SalesOrder">
          <attributes>
            <attribute PhysicalName="cpl_CompanyId">
              <Type>lookup</Type><LogicalName>cpl_companyid</LogicalName>
            </attribute>
            <attribute PhysicalName="cpl_ErpOrderNumber">
              <Type>nvarchar</Type><LogicalName>cpl_erpordernumber</LogicalName><MaxLength>20</MaxLength>
            </attribute>
            <attribute PhysicalName="cpl_SyncedOn">
              <Type>datetime</Type><LogicalName>cpl_syncedon</LogicalName>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
    </Entity>
  </Entities>
  <EntityRelationships>
    <EntityRelationship Name="cpl_company_salesorder">
      <ReferencingEntityName>SalesOrder</ReferencingEntityName>
      <ReferencedEntityName>cpl_Company</ReferencedEntityName>
      <ReferencingAttributeName>cpl_CompanyId</ReferencingAttributeName>
    </EntityRelationship>
  </EntityRelationships>
  <Roles>
    <Role id="{6f960e32-a72b-e511-80d9-3863bb349780}" name="Couplet Integration User">
      <RolePrivileges><RolePrivilege name="prvWriteAttribute" level="Global"/></RolePrivileges>
    </Role>
  </Roles>
</ImportExportXml>"""


def solution_zip(
    unique_name: str = "CoupletIntegration",
    version: str = "1.0.0.0",
    customizations: str = COUPLET_CUSTOMIZATIONS,
    friendly_name: str = "Couplet Integration",
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "solution.xml",
            SOLUTION_XML.format(unique_name=unique_name, version=version, friendly_name=friendly_name),
        )
        archive.writestr("customizations.xml", customizations)
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()
