import { DynamicModule, Type } from '@nestjs/common';

/**
 * The domain modules the API process serves, besides health. Each domain adds its module here.
 */
export const apiFeatures: Array<Type | DynamicModule> = [];
