import { Col, Flex, Row } from 'antd';
import { AboutCard } from './settings/AboutCard';
import { EndpointsCard } from './settings/EndpointsCard';
import { LanguageCard } from './settings/LanguageCard';

/** Settings: model endpoints first (everything else needs them), then language and data. */
export function Settings() {
  return (
    <Flex vertical gap={24}>
      <EndpointsCard />
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={10}>
          <LanguageCard />
        </Col>
        <Col xs={24} lg={14}>
          <AboutCard />
        </Col>
      </Row>
    </Flex>
  );
}
